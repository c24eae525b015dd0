// Text that came from a user or a store (sweep names, variant labels, failure reasons,
// error messages quoting them) made safe to print on a terminal, where a control character
// could move the cursor, clear the screen, retitle the window or hide what follows.
#pragma once
#include <string>

namespace tb {

// `text` with every character a terminal would act on shown as an escape instead: C0
// control characters and DEL as \xNN (\x1b for ESC), C1 controls (U+0080-U+009F) and
// the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) as \uNNNN, and
// bytes that are not UTF-8 as \xNN. Printable ASCII and UTF-8 text ("Δ", "naïve") pass
// unchanged. With `keep_newlines`, '\n' stays (messages of several lines).
std::string terminal_safe(const std::string& text, bool keep_newlines = false);

}  // namespace tb
