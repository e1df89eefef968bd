/* Included once by a fuzz target whose code uses libsodium (sodium_malloc for secrets, Argon2id,
 * randomness): defines the target's LLVMFuzzerInitialize, which initialises the library as
 * main() does. */
#ifndef TESTS_FUZZ_FUZZ_SODIUM_H
#define TESTS_FUZZ_FUZZ_SODIUM_H

#include <sodium.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	return 0;
}

#endif
