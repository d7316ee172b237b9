/*
 * bcryptprimitives.dll for Wine 8 — TEST ONLY, never shipped in an installer.
 *
 * Go 1.24 and later get their random bytes from ProcessPrng in bcryptprimitives.dll,
 * which every Windows 10 and 11 has and Debian's Wine 8 lacks, so under that Wine a Go
 * program stops before main. .ci/dist-check-windows builds this stub with mingw-w64 and
 * copies it into the throwaway Wine prefix's system32; it answers ProcessPrng from
 * RtlGenRandom (advapi32's SystemFunction036), which Wine implements.
 *
 *   x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
		if (!SystemFunction036(data, chunk))
			return FALSE;
		data += chunk;
		length -= chunk;
	}
	return TRUE;
}
