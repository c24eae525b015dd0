#include "harness/exec/visible_gpus.h"

#include <cstdlib>
#include <sstream>

#include "harness/exec/command_output.h"

namespace tb {

std::vector<std::string> parse_visible_devices(const std::string& value) {
  std::vector<std::string> out;
  std::stringstream in(value);
  std::string entry;
  while (std::getline(in, entry, ',')) {
    const auto first = entry.find_first_not_of(" \t"), last = entry.find_last_not_of(" \t");
    if (first == std::string::npos) continue;
    entry = entry.substr(first, last - first + 1);
    if (entry.rfind("-", 0) == 0) break;  // CUDA stops at the first invalid (negative) entry
    out.push_back(entry);
  }
  return out;
}

std::vector<std::string> visible_gpus() {
  if (const char* set = std::getenv("CUDA_VISIBLE_DEVICES")) return parse_visible_devices(set);
  const CommandOutput listed = run_command("nvidia-smi", {"--query-gpu=index", "--format=csv,noheader"});
  if (listed.exit_code != 0) return {};
  std::vector<std::string> out;
  std::stringstream in(listed.text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.find_first_not_of("0123456789") == std::string::npos) out.push_back(line);
  }
  return out;
}

}  // namespace tb
