// glibc's allocator settings, for NumaflowCore's AllocatorSetting: the Glibc module does not
// export <malloc.h>. Elsewhere (musl, Darwin) nothing is set.
#ifndef C_NUMAFLOW_MALLOC_H
#define C_NUMAFLOW_MALLOC_H

#if defined(__linux__)
#include <features.h>
#endif

#if defined(__GLIBC__)
#include <malloc.h>
#endif

typedef enum {
  C_NUMAFLOW_ARENA_MAX,
  C_NUMAFLOW_TOP_PAD,
} c_numaflow_malloc_setting;

/// glibc's mallopt for one setting: 1 when glibc took the value, 0 when it did not or glibc is
/// not the libc.
static inline int c_numaflow_mallopt(c_numaflow_malloc_setting setting, int value) {
#if defined(__GLIBC__)
  switch (setting) {
  case C_NUMAFLOW_ARENA_MAX:
    return mallopt(M_ARENA_MAX, value);
  case C_NUMAFLOW_TOP_PAD:
    return mallopt(M_TOP_PAD, value);
  }
#endif
  (void)setting;
  (void)value;
  return 0;
}

#endif
