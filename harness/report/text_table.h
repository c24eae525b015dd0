// A small table of ready-made text cells (spectral summary, fitted parameters, curves by step).
#pragma once
#include <string>
#include <vector>

namespace tb {

struct TextTable {
  std::string title;
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
};

}  // namespace tb
