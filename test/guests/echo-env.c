// WAGI guest for end-to-end tests: echoes the whole CGI invocation so a test can assert it exactly.
// Output: a text/plain header, then "argv[i]=<arg>" per argument, then "<NAME>=<value>" per environment
// variable in the order the host passed them, then a line "--- body ---" and the request body verbatim.
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("content-type: text/plain\n\n");
  for (int i = 0; i < argc; i++) {
    printf("argv[%d]=%s\n", i, argv[i]);
  }
  for (char **entry = environ; *entry != NULL; entry++) {
    printf("%s\n", *entry);
  }
  printf("--- body ---\n");
  static char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, stdin)) > 0) {
    fwrite(buffer, 1, n, stdout);
  }
  return 0;
}
