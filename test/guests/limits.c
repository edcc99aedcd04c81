// Exercises the engine's limits. QUERY_STRING picks what happens: `loop` spins forever, `alloc=<bytes>`
// allocates and touches that many bytes (aborting when the allocation fails), `spin=<ms>` keeps the CPU
// busy for that long; anything else answers at once. Every answer is `limits: <what>` as text/plain.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

int main(void) {
  const char *query = getenv("QUERY_STRING");
  if (query == NULL) query = "";
  if (strcmp(query, "loop") == 0) {
    volatile unsigned long spins = 0;
    for (;;) spins++;
  }
  if (strncmp(query, "alloc=", 6) == 0) {
    size_t bytes = strtoul(query + 6, NULL, 10);
    // Volatile, so the compiler cannot drop an allocation whose contents are never read.
    char *volatile block = malloc(bytes);
    if (block == NULL) abort();
    memset(block, 1, bytes);
    printf("content-type: text/plain\n\nlimits: allocated %zu\n", bytes + block[bytes - 1] - 1);
    return 0;
  }
  if (strncmp(query, "spin=", 5) == 0) {
    double until = now_ms() + strtod(query + 5, NULL);
    while (now_ms() < until) {
    }
    printf("content-type: text/plain\n\nlimits: spun\n");
    return 0;
  }
  printf("content-type: text/plain\n\nlimits: ok\n");
  return 0;
}
