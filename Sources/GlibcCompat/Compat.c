// Lambda's provided.al2023 has glibc 2.34 and promises nothing else, so the Lambdas link libgcc,
// libstdc++ and the Swift runtime statically. Built here (glibc 2.36, GCC 12), those archives
// call four glibc functions in versions newer than 2.34, and the binary would not start there.
// Definitions in the executable take precedence over libc's, so each is defined here in terms of
// what every glibc since 2.25 has.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/random.h>

#if defined(__linux__) && defined(__x86_64__)
#define BASELINE "GLIBC_2.2.5"
#elif defined(__linux__) && defined(__aarch64__)
#define BASELINE "GLIBC_2.17"
#endif

#ifdef BASELINE
// hypot and hypotf (the static Swift runtime) are GLIBC_2.35 by default: bind the baseline ones.
__asm__(".symver smsredirect_baseline_hypot, hypot@" BASELINE);
__asm__(".symver smsredirect_baseline_hypotf, hypotf@" BASELINE);
double smsredirect_baseline_hypot(double x, double y);
float smsredirect_baseline_hypotf(float x, float y);

double hypot(double x, double y) { return smsredirect_baseline_hypot(x, y); }
float hypotf(float x, float y) { return smsredirect_baseline_hypotf(x, y); }
#endif

// arc4random (GLIBC_2.36) backs std::random_device in GCC 12's libstdc++: the same kernel
// randomness, through getrandom(2), retried until it is complete.
uint32_t arc4random(void) {
    uint32_t value;
    size_t filled = 0;
    while (filled < sizeof value) {
        ssize_t got = getrandom((char *)&value + filled, sizeof value - filled, 0);
        if (got > 0) filled += (size_t)got;
    }
    return value;
}

#ifdef DLFO_STRUCT_HAS_EH_DBASE
// _dl_find_object (GLIBC_2.35) is how GCC 12's unwinder (libgcc_eh) finds the exception tables of
// the code at an address: without it no C++ exception could be caught. The same answer comes from
// walking the loaded objects with dl_iterate_phdr (which the unwinder itself used before 2.35).
struct smsredirect_lookup {
    uintptr_t address;
    struct dl_find_object *result;
    int found;
};

static int smsredirect_visit(struct dl_phdr_info *info, size_t size, void *context) {
    (void)size;
    struct smsredirect_lookup *lookup = context;
    uintptr_t start = UINTPTR_MAX, end = 0;
    const void *eh_frame = NULL;
    int contains = 0;
    for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[i];
        uintptr_t begin = info->dlpi_addr + header->p_vaddr;
        if (header->p_type == PT_LOAD) {
            if (begin < start) start = begin;
            if (begin + header->p_memsz > end) end = begin + header->p_memsz;
            if (lookup->address >= begin && lookup->address < begin + header->p_memsz) contains = 1;
        } else if (header->p_type == PT_GNU_EH_FRAME) {
            eh_frame = (const void *)begin;
        }
    }
    if (!contains) return 0;
    lookup->result->dlfo_flags = 0;
    lookup->result->dlfo_map_start = (void *)start;
    lookup->result->dlfo_map_end = (void *)end;
    lookup->result->dlfo_link_map = NULL;
    lookup->result->dlfo_eh_frame = (void *)eh_frame;
    lookup->found = 1;
    return 1;
}

int _dl_find_object(void *address, struct dl_find_object *result) {
    struct smsredirect_lookup lookup = {(uintptr_t)address, result, 0};
    dl_iterate_phdr(smsredirect_visit, &lookup);
    return lookup.found ? 0 : -1;
}
#endif
