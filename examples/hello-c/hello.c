// A WAGI app in C: every request gets a small JSON document describing what the app saw, taken from the
// CGI environment the host sets up (REQUEST_METHOD, PATH_INFO, QUERY_STRING, ...). Build it with
// `spindle build` (or the command in spin.toml) and try `curl 'localhost:3000/hello/world?name=you'`.
#include <stdio.h>
#include <stdlib.h>

// The value of an environment variable, or "" when it is not set.
static const char *env(const char *name) {
  const char *value = getenv(name);
  return value == NULL ? "" : value;
}

// Prints `text` as a JSON string literal.
static void json_string(const char *text) {
  putchar('"');
  for (const unsigned char *c = (const unsigned char *)text; *c != '\0'; c++) {
    if (*c == '"' || *c == '\\') {
      printf("\\%c", *c);
    } else if (*c < 0x20) {
      printf("\\u%04x", *c);
    } else {
      putchar(*c);
    }
  }
  putchar('"');
}

static void field(const char *name, const char *value, int last) {
  printf("  ");
  json_string(name);
  printf(": ");
  json_string(value);
  printf(last ? "\n" : ",\n");
}

int main(void) {
  printf("content-type: application/json\n\n");
  printf("{\n");
  field("greeting", "Hello from C, compiled to WebAssembly and served by Spindle!", 0);
  field("method", env("REQUEST_METHOD"), 0);
  field("url", env("X_FULL_URL"), 0);
  field("path", env("PATH_INFO"), 0);
  field("query", env("QUERY_STRING"), 0);
  field("route", env("X_MATCHED_ROUTE"), 0);
  field("client", env("REMOTE_ADDR"), 0);
  field("userAgent", env("HTTP_USER_AGENT"), 1);
  printf("}\n");
  return 0;
}
