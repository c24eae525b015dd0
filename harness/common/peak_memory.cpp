#include "harness/common/peak_memory.h"

#include <fstream>
#include <string>

namespace tb {

int64_t peak_resident_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return int64_t(std::stod(line.substr(6))) * 1024;  // kB
  }
  return 0;
}

}  // namespace tb
