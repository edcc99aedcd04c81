// WAGI guest for end-to-end tests of the component file mount. The query string names a guest path:
//   ?/static/a.txt     responds with the file's bytes (content-type: text/plain)
//   ?w:/static/a.txt   tries to open the file for writing instead, and says "opened for writing" on success
// When the open fails it responds "status: 404" with strerror(errno) as the body, so a test can assert
// both what is reachable and how a path outside the mount or a write is refused.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *path) {
  const char *reason = strerror(errno);
  printf("status: 404\ncontent-type: text/plain\n\n%s: %s\n", path, reason);
}

int main(void) {
  const char *query = getenv("QUERY_STRING");
  if (query == NULL || *query == '\0') {
    printf("status: 400\ncontent-type: text/plain\n\nname a file in the query string, e.g. ?/static/a.txt\n");
    return 0;
  }
  if (strncmp(query, "w:", 2) == 0) {
    FILE *file = fopen(query + 2, "w");
    if (file == NULL) {
      fail(query + 2);
      return 0;
    }
    fclose(file);
    printf("content-type: text/plain\n\nopened for writing\n");
    return 0;
  }
  FILE *file = fopen(query, "r");
  if (file == NULL) {
    fail(query);
    return 0;
  }
  printf("content-type: text/plain\n\n");
  static char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, file)) > 0) {
    fwrite(buffer, 1, n, stdout);
  }
  fclose(file);
  return 0;
}
