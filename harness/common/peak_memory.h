// The peak resident memory of this process (Linux: VmHWM in /proc/self/status), as each
// run records it so reports can show what a method costs in memory.
#pragma once
#include <cstdint>

namespace tb {

// Bytes; 0 where the kernel does not say.
int64_t peak_resident_bytes();

}  // namespace tb
