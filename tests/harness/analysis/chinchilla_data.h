// The Chinchilla points Besiroglu et al. (2024) extracted from Hoffmann et al.'s Fig. 4
// (tests/data/chinchilla_svg_extracted.csv, from epoch-research/analyzing-chinchilla), as
// they fit them: D = C / (6N), the 5 highest-loss points dropped.
#pragma once
#include <string>

#include "harness/analysis/csv_fit_points.h"

namespace tb::testing {

inline FitPoints chinchilla_points(const std::string& source_dir) {
  const auto table = CsvTable::read(source_dir + "/tests/data/chinchilla_svg_extracted.csv");
  auto points =
      csv_fit_points(table, scaling_law("chinchilla"),
                     {{"N", "Model Size"}, {"D", "Training FLOP / 6 / Model Size"}}, "loss");
  drop_highest(points, 5);
  return points;
}

}  // namespace tb::testing
