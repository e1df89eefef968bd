/* GF(256) multiplication and inversion never branch on or index by their operands. */
#include <stdint.h>

#include "shamir/gf256.h"
#include "tests/ct/ct.h"

int main(void)
{
	uint8_t a[4] = { 0x00, 0x01, 0x57, 0xFF }, b[4] = { 0x83, 0x00, 0x13, 0xFF };
	uint8_t prod[4], inv[4];

	secret(a, sizeof(a));
	secret(b, sizeof(b));
	for (int i = 0; i < 4; i++) {
		prod[i] = gf256_mul(a[i], b[i]);
		inv[i] = gf256_inv(a[i]);
	}
	public(prod, sizeof(prod));
	public(inv, sizeof(inv));
	CHECK(prod[0] == 0 && prod[1] == 0 && prod[2] == 0xFE);
	CHECK(inv[0] == 0 && inv[1] == 1 && gf256_mul(0x57, inv[2]) == 1);
	return 0;
}
