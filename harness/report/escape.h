// Escaping of text that comes from the store (method names, variant labels, tags) into
// every output format, so no label can break a report or inject markup.
#pragma once
#include <string>

namespace tb {

// & < > " ' as character references (HTML text, attribute values and SVG alike); the
// control characters XML forbids are dropped.
std::string html_escape(const std::string& text);

// LaTeX special characters (\ { } $ & # ^ _ % ~) escaped; the few non-ASCII symbols the
// reports use (Δ ± × − – — ‖ ≤ ≥) as math or dashes, so the table compiles with pdflatex.
std::string latex_escape(const std::string& text);

// One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled.
std::string csv_field(const std::string& text);

// Text for a Markdown table cell or heading, shown as written: & < > as character
// references (no raw HTML), \ | ` * $ and the "(" of "](" backslash-escaped (no table
// split, code span, emphasis, math or link), newlines and tabs as spaces, other control
// characters dropped.
std::string markdown_cell(const std::string& text);

}  // namespace tb
