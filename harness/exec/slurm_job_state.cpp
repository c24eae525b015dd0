#include "harness/exec/slurm_job_state.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <sstream>

#include "harness/common/strings.h"

namespace tb {
namespace {

std::string first_word(const std::string& state) {
  std::istringstream in(state);
  std::string word;
  in >> word;
  return word;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// "a:b:c" split on ':' with every part digits, 1 to `most` parts.
bool digit_fields(const std::string& s, size_t most) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, ':')) parts.push_back(part);
  if (!s.empty() && s.back() == ':') return false;
  return !parts.empty() && parts.size() <= most &&
         std::all_of(parts.begin(), parts.end(), [](const std::string& p) { return all_digits(p); });
}

}  // namespace

std::optional<JobPhase> slurm_phase(const std::string& state) {
  static const std::map<std::string, JobPhase> phases = {
      {"PENDING", JobPhase::kQueued},       {"REQUEUED", JobPhase::kQueued},
      {"REQUEUE_FED", JobPhase::kQueued},   {"REQUEUE_HOLD", JobPhase::kQueued},
      {"RESV_DEL_HOLD", JobPhase::kQueued}, {"CONFIGURING", JobPhase::kQueued},
      {"RUNNING", JobPhase::kRunning},      {"COMPLETING", JobPhase::kRunning},
      {"SUSPENDED", JobPhase::kRunning},    {"STOPPED", JobPhase::kRunning},
      {"SIGNALING", JobPhase::kRunning},    {"STAGE_OUT", JobPhase::kRunning},
      {"RESIZING", JobPhase::kRunning},     {"COMPLETED", JobPhase::kEnded},
      {"FAILED", JobPhase::kEnded},         {"CANCELLED", JobPhase::kEnded},
      {"TIMEOUT", JobPhase::kEnded},        {"DEADLINE", JobPhase::kEnded},
      {"OUT_OF_MEMORY", JobPhase::kEnded},  {"NODE_FAIL", JobPhase::kEnded},
      {"PREEMPTED", JobPhase::kEnded},      {"BOOT_FAIL", JobPhase::kEnded},
      {"REVOKED", JobPhase::kEnded},        {"SPECIAL_EXIT", JobPhase::kEnded},
  };
  const auto it = phases.find(first_word(state));
  if (it == phases.end()) return std::nullopt;
  return it->second;
}

std::string slurm_outcome(const std::string& state, bool cancelled_here) {
  const std::string s = first_word(state);
  if (s == "TIMEOUT" || s == "DEADLINE") return "timeout";
  if (s == "OUT_OF_MEMORY") return "oom";
  if (s == "NODE_FAIL" || s == "PREEMPTED" || s == "BOOT_FAIL" || s == "REVOKED") return "killed";
  if (s == "CANCELLED") return cancelled_here ? "interrupted" : "killed";
  if (s == "SPECIAL_EXIT") return "crashed";
  return "";
}

std::optional<std::pair<std::string, std::string>> parse_job_state_line(const std::string& line) {
  const auto bar = line.find('|');
  if (bar == std::string::npos) return std::nullopt;
  std::string id = trim(line.substr(0, bar));
  std::string state = trim(line.substr(bar + 1));
  const auto next = state.find('|');
  if (next != std::string::npos) state = state.substr(0, next);
  const auto underscore = id.find('_');
  const bool id_ok = all_digits(id.substr(0, underscore)) &&
                     (underscore == std::string::npos || all_digits(id.substr(underscore + 1)));
  if (!id_ok || !slurm_phase(state)) return std::nullopt;
  return std::make_pair(id, state);
}

std::optional<std::string> parse_sbatch_job_id(const std::string& output) {
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    const std::string id = trim(line.substr(0, line.find(';')));
    if (all_digits(id)) return id;
  }
  return std::nullopt;
}

std::string slurm_minutes(double seconds) {
  return std::to_string(std::max<int64_t>(1, int64_t(std::ceil(seconds / 60.0))));
}

bool is_slurm_time(const std::string& text) {
  if (text == "UNLIMITED" || text == "INFINITE") return true;
  const auto dash = text.find('-');
  if (dash == std::string::npos) return digit_fields(text, 3);
  return all_digits(text.substr(0, dash)) && digit_fields(text.substr(dash + 1), 3);
}

bool is_slurm_memory(const std::string& text) {
  if (text.empty()) return false;
  const char unit = char(std::toupper(static_cast<unsigned char>(text.back())));
  const bool has_unit = unit == 'K' || unit == 'M' || unit == 'G' || unit == 'T';
  return all_digits(has_unit ? text.substr(0, text.size() - 1) : text);
}

}  // namespace tb
