// WAGI guest for end-to-end tests of the output rules. The query string is a list of '&'-separated
// options, applied in this order:
//   status=<code>        emit "status: <code>"
//   bad-status           emit "status: abc" (not a status code)
//   location=<path>      emit "location: <path>" (and no content-type)
//   header=<Name>:<val>  emit "<Name>: <val>"
//   none                 emit no content-type
//   stderr               write a line to stderr
//   silent               write nothing at all to stdout
//   exit=<n>             exit with code n after writing
//   trap                 trap (__builtin_trap) after writing
// Without location or none, "content-type: text/plain" is emitted; the body is "wagi-status\n".
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *option(const char *query, const char *name) {
  size_t len = strlen(name);
  for (const char *at = query; at != NULL && *at != '\0';) {
    if (strncmp(at, name, len) == 0 && (at[len] == '\0' || at[len] == '&' || at[len] == '=')) {
      return at[len] == '=' ? at + len + 1 : at + len;
    }
    at = strchr(at, '&');
    if (at != NULL) at++;
  }
  return NULL;
}

// Prints an option's value up to the next '&'.
static void value(const char *text) {
  printf("%.*s", (int)strcspn(text, "&"), text);
}

int main(void) {
  const char *query = getenv("QUERY_STRING");
  if (query == NULL) query = "";
  const char *found;
  if (option(query, "stderr") != NULL) fprintf(stderr, "wagi-status: a line on stderr\n");
  if (option(query, "silent") == NULL) {
    if ((found = option(query, "status")) != NULL) {
      printf("status: ");
      value(found);
      printf("\n");
    }
    if (option(query, "bad-status") != NULL) printf("status: abc\n");
    if ((found = option(query, "location")) != NULL) {
      printf("location: ");
      value(found);
      printf("\n");
    }
    if ((found = option(query, "header")) != NULL) {
      size_t len = strcspn(found, "&");
      const char *colon = memchr(found, ':', len);
      size_t name_len = colon == NULL ? len : (size_t)(colon - found);
      printf("%.*s: %.*s\n", (int)name_len, found, colon == NULL ? 0 : (int)(len - name_len - 1),
             colon == NULL ? "" : colon + 1);
    }
    if (option(query, "location") == NULL && option(query, "none") == NULL) {
      printf("content-type: text/plain\n");
    }
    printf("\nwagi-status\n");
  }
  fflush(stdout);
  if ((found = option(query, "exit")) != NULL) exit(atoi(found));
  if (option(query, "trap") != NULL) __builtin_trap();
  return 0;
}
