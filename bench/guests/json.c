// Benchmark guest: a WAGI handler doing a little JSON work per request (the same document the node:http
// baseline builds), so the comparison measures the runtime, not the handler.
#include <stdio.h>
#include <stdlib.h>

static const char *env(const char *name) {
  const char *value = getenv(name);
  return value == NULL ? "" : value;
}

int main(void) {
  printf("content-type: application/json\n\n");
  printf("{\"ok\":true,\"method\":\"%s\",\"path\":\"%s\",\"query\":\"%s\"}\n", env("REQUEST_METHOD"),
         env("PATH_INFO"), env("QUERY_STRING"));
  return 0;
}
