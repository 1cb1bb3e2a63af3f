// SPDX-License-Identifier: GPL-2.0-or-later
// Throws and catches N exceptions: libstdc++'s sys/sdt.h probes `throw`
// and `catch` fire once each per exception.
#include <cstdlib>
#include <stdexcept>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10, caught = 0;

	for (int i = 0; i < n; i++) {
		try {
			throw std::runtime_error("sdt test");
		} catch (const std::exception &) {
			caught++;
		}
	}
	return caught == n ? 0 : 1;
}
