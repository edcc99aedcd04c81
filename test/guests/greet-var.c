// WAGI guest for end-to-end tests of the component `environment`: the query string names an environment
// variable (e.g. ?GREETING) and the response body is its value followed by a newline. An unset variable
// answers "status: 404" with "<NAME> is not set".
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  const char *name = getenv("QUERY_STRING");
  if (name == NULL || *name == '\0') {
    printf("status: 400\ncontent-type: text/plain\n\nname a variable in the query string, e.g. ?GREETING\n");
    return 0;
  }
  const char *value = getenv(name);
  if (value == NULL) {
    printf("status: 404\ncontent-type: text/plain\n\n%s is not set\n", name);
    return 0;
  }
  printf("content-type: text/plain\n\n%s\n", value);
  return 0;
}
