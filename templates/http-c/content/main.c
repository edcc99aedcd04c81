// A WAGI handler: the request arrives as CGI environment variables (REQUEST_METHOD, PATH_INFO,
// QUERY_STRING, ...) and stdin; the response is what the program prints: headers, a blank line, the body.
#include <stdio.h>
#include <stdlib.h>

static const char *env_or_empty(const char *name) {
  const char *value = getenv(name);
  return value == NULL ? "" : value;
}

int main(void) {
  printf("content-type: text/plain\n\n");
  printf("Hello from {{project-name}}! You sent %s %s\n", env_or_empty("REQUEST_METHOD"),
         env_or_empty("PATH_INFO"));
  return 0;
}
