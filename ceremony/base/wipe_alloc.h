/*
 * Wipe on free, process-wide: the program defines malloc, free, calloc, realloc and the aligned
 * allocators over glibc's own (__libc_malloc and the rest), and every block is zeroed before it
 * goes back to the heap; a realloc that moves a block zeroes the old one.
 *
 * Why: secrets live in sodium_malloc memory, but libraries we do not control copy them onto the
 * ordinary heap and free the copies without wiping: libqrencode (a share's words in a QR code),
 * libzbar (the loopback decode of that code, and share QR codes read in key-use ceremonies),
 * OpenSSL (DER and PEM encodings of private keys), jansson, glibc's stdio. Wrapping each library
 * (a child process per QR code, OpenSSL's CRYPTO_set_mem_functions, ...) would cover one at a
 * time and miss the next; interposing the allocator covers every library the process loads,
 * and whatever they add later, in about forty lines that call nothing but glibc.
 *
 * Live blocks are not touched: a library that keeps a secret in a live block must still be
 * freed (or wiped) by its caller. Memory that never passes through malloc (the stack, mmap) is
 * not covered either. tests/cli/hard_memory.sh takes a core of a live ceremony after its wipe
 * and searches all of it, stack included; built with CPPFLAGS=-DWIPE_ALLOC=0 (this file left
 * out) it finds the QR code's upper-case words in the heap.
 *
 * Compiled out under AddressSanitizer, ThreadSanitizer and MemorySanitizer, which bring their
 * own allocators. Under valgrind it stays in: valgrind replaces glibc's __libc_* functions as it
 * replaces malloc, and malloc_usable_size reports the size asked for, so leaks and bad frees
 * are still seen.
 */
#ifndef CEREMONY_WIPE_ALLOC_H
#define CEREMONY_WIPE_ALLOC_H

/* 1 if this build wipes every freed block, 0 under a sanitizer. */
int wipe_alloc_active(void);

#endif
