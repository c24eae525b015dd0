// Markdown rendering of a SummaryTable: "mean ± SE" cells, SE over seeds.
#pragma once
#include <string>

#include "harness/report/summary.h"

namespace tb {

std::string to_markdown(const SummaryTable& table);

}  // namespace tb
