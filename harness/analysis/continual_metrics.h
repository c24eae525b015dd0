// Summaries of a continual run's accuracy matrix R, where R[i][j] is the accuracy on task j's
// held-out items after training stage i (0-based; T stages, one task each) and b[j] the base
// model's accuracy on task j:
//   ACC = 1/T Σ_j R[T-1][j]                            (Lopez-Paz & Ranzato 2017, GEM, §5)
//   BWT = 1/(T-1) Σ_{j<T-1} (R[T-1][j] - R[j][j])       (ibid.: backward transfer; < 0 is forgetting)
//   FWT = 1/(T-1) Σ_{j>=1} (R[j-1][j] - b[j])           (ibid.: forward transfer)
//   f_j = max_{l<T-1} R[l][j] - R[T-1][j], j < T-1      (Chaudhry et al. 2018, RWalk, §4:
//   F = 1/(T-1) Σ_{j<T-1} f_j                            forgetting of task j, and its mean)
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "harness/analysis/intervals.h"
#include "harness/store/store.h"

namespace tb {

struct AccuracyMatrix {
  std::vector<std::vector<double>> r;  // T x T
  std::vector<double> base;            // T
};

struct ContinualSummary {
  double average_accuracy = 0, backward_transfer = 0, forward_transfer = 0, forgetting = 0;
  std::vector<double> forgetting_per_task;  // f_j for j < T-1
};

// Throws std::invalid_argument unless R is square with T >= 2 and b has T entries.
ContinualSummary summarize_continual(const AccuracyMatrix& m);

// The accuracy matrices of the continual runs among `rows` (task_accuracy's "accuracy"),
// by variant, then seed; runs whose matrix has a gap are left out.
std::map<std::string, std::map<int64_t, AccuracyMatrix>> accuracy_matrices(const std::vector<StageEvalRow>& rows);

// ACC, BWT, FWT and F of one variant with intervals over its seeds (intervals.h), by name.
struct ContinualIntervals {
  Interval average_accuracy, backward_transfer, forward_transfer, forgetting;
  std::vector<Interval> forgetting_per_task;
  AccuracyMatrix mean;  // R and b averaged over seeds
};
ContinualIntervals continual_intervals(const std::map<int64_t, AccuracyMatrix>& by_seed);

}  // namespace tb
