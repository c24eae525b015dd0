// The names every template sees (runtime.ts setupGlobals): true/false/none and their
// title-case spellings, namespace(), range(), raise_exception() and strftime_now().
#pragma once
#include <ctime>
#include <functional>

#include "harness/text/jinja/environment.h"
#include "harness/text/jinja/value.h"

namespace tb::jinja {

// The local date and time strftime_now() formats; tests pass a fixed one.
using LocalTimeSource = std::function<std::tm()>;
std::tm current_local_time();

// namespace(...): a mutable record, from a mapping, a list of pairs and/or keyword arguments.
Value namespace_function();

void declare_globals(Environment& env, const LocalTimeSource& local_time);

// strftime_now's formatting: only %Y %m %d %b %B %H %M %% (en-US month names), other
// sequences are kept as written, as the reference does.
std::string format_time(const std::tm& time, const std::string& format);

// The prefix of the message raise_exception() produces, before the template's own text.
inline constexpr const char* kRaisedPrefix = "the template raised an exception: ";

}  // namespace tb::jinja
