#include "harness/exec/process_identity.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "harness/common/strings.h"

namespace tb {
namespace {

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return trim(line);
}

std::string host_name() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf[0] ? buf : "unknown-host";
}

// Field 22 of /proc/PID/stat: when the process started, in clock ticks after boot. With
// the pid it names one process for the life of a boot. "" when there is no such process.
std::string start_time(int64_t pid) {
  const std::string stat = first_line("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = stat.rfind(')');  // the command name may contain spaces
  if (paren == std::string::npos) return "";
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  for (int i = 3; i <= 22 && (fields >> field); ++i) {
  }
  return field;
}

}  // namespace

std::string this_process_identity() {
  const int64_t pid = ::getpid();
  return host_name() + " " + first_line("/proc/sys/kernel/random/boot_id") + " " +
         std::to_string(pid) + " " + start_time(pid);
}

bool process_is_gone(const std::string& identity) {
  std::istringstream in(identity);
  std::string host, boot, start;
  int64_t pid = 0;
  if (!(in >> host >> boot >> pid >> start)) return false;
  if (host != host_name()) return false;
  if (boot != first_line("/proc/sys/kernel/random/boot_id")) return true;
  return start_time(pid) != start;
}

}  // namespace tb
