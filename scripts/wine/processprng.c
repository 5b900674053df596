/*
 * bcryptprimitives.dll for Wine 8, test use only (never shipped).
 *
 * Go >= 1.22 programs call ProcessPrng from bcryptprimitives.dll at start-up
 * and stop when it is missing; Wine 8.0 has no such DLL. This one exports
 * ProcessPrng and fills the buffer with advapi32's RtlGenRandom
 * (SystemFunction036), which Wine does have. scripts/test-package-windows.sh
 * builds it with mingw-w64 and copies it into a throw-away Wine prefix:
 *   x86_64-w64-mingw32-gcc -shared -o bcryptprimitives.dll processprng.c -ladvapi32
 */
#include <windows.h>

/* <ntsecapi.h> names it RtlGenRandom; the export is SystemFunction036. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG len);

/* Windows documents ProcessPrng as always succeeding, so a failure ends the
 * process rather than hand Go's runtime bytes that are not random. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		/* RtlGenRandom takes a ULONG length: split larger requests. */
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			ExitProcess(0xC0000001); /* STATUS_UNSUCCESSFUL */
		data += n;
		len -= n;
	}
	return TRUE;
}
