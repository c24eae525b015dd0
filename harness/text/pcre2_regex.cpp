// PCRE2 (pcre2api(3), pcre2jit(3)): compile once with JIT, then match with one match-data
// block and one JIT stack per thread.
#include "harness/text/pcre2_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace tb {
namespace {

constexpr size_t kJitStackStart = 32 * 1024;
constexpr size_t kJitStackMax = 8 * 1024 * 1024;

std::string error_message(int code) {
  PCRE2_UCHAR buffer[256];
  pcre2_get_error_message(code, buffer, sizeof(buffer));
  return reinterpret_cast<const char*>(buffer);
}

// What one thread reuses for every search: a match-data block holding the whole-match
// offsets (one pair is all a search reads) and a JIT stack larger than PCRE2's 32 KiB default,
// so that long runs of one class (100k spaces) match instead of failing.
class ThreadMatchState {
 public:
  ThreadMatchState()
      : data_(pcre2_match_data_create(1, nullptr)),
        context_(pcre2_match_context_create(nullptr)),
        stack_(pcre2_jit_stack_create(kJitStackStart, kJitStackMax, nullptr)) {
    if (!data_ || !context_ || !stack_) throw std::bad_alloc();
    pcre2_jit_stack_assign(context_, nullptr, stack_);
  }
  ~ThreadMatchState() {
    pcre2_jit_stack_free(stack_);
    pcre2_match_context_free(context_);
    pcre2_match_data_free(data_);
  }
  ThreadMatchState(const ThreadMatchState&) = delete;
  ThreadMatchState& operator=(const ThreadMatchState&) = delete;

  pcre2_match_data* data() const { return data_; }
  pcre2_match_context* context() const { return context_; }

  static ThreadMatchState& of_this_thread() {
    thread_local ThreadMatchState state;
    return state;
  }

 private:
  pcre2_match_data* data_;
  pcre2_match_context* context_;
  pcre2_jit_stack* stack_;
};

pcre2_code* as_code(void* code) { return static_cast<pcre2_code*>(code); }

}  // namespace

Pcre2Regex::Pcre2Regex(const std::string& pattern) {
  pcre2_compile_context* context = pcre2_compile_context_create(nullptr);
  pcre2_set_newline(context, PCRE2_NEWLINE_LF);  // `.` excludes \n only, as in Oniguruma
  int error = 0;
  PCRE2_SIZE error_offset = 0;
  code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                        PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &error, &error_offset,
                        context);
  pcre2_compile_context_free(context);
  if (!code_) {
    throw std::invalid_argument("PCRE2 cannot compile it: " + error_message(error) + " at offset " +
                                std::to_string(error_offset));
  }
  jit_ = pcre2_jit_compile(as_code(code_), PCRE2_JIT_COMPLETE) == 0;
}

Pcre2Regex::~Pcre2Regex() { pcre2_code_free(as_code(code_)); }

bool Pcre2Regex::find(std::string_view subject, size_t from, Match& match) const {
  ThreadMatchState& state = ThreadMatchState::of_this_thread();
  const auto* bytes = reinterpret_cast<PCRE2_SPTR>(subject.data());
  const int rc = jit_ ? pcre2_jit_match(as_code(code_), bytes, subject.size(), from, 0,
                                        state.data(), state.context())
                      : pcre2_match(as_code(code_), bytes, subject.size(), from, 0, state.data(),
                                    state.context());
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  if (rc < 0) throw std::runtime_error("PCRE2 match failed: " + error_message(rc));
  const PCRE2_SIZE* offsets = pcre2_get_ovector_pointer(state.data());
  match = {offsets[0], offsets[1]};
  return true;
}

bool Pcre2Regex::may_match_empty() const {
  uint32_t min_length = 0;
  pcre2_pattern_info(as_code(code_), PCRE2_INFO_MINLENGTH, &min_length);
  return min_length == 0;
}

}  // namespace tb
