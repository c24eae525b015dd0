// A dependency-free L-BFGS minimiser in double precision for small smooth problems (the
// scaling-law fits): two-loop recursion with `history` pairs (Nocedal & Wright 2006,
// Alg. 7.4) and a strong-Wolfe line search with cubic-interpolation zoom (Alg. 3.5/3.6).
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace tb {

struct LbfgsOptions {
  int max_iterations = 1000;
  int history = 10;
  double gradient_tolerance = 1e-12;  // stop when max |g_i| <= this
  double change_tolerance = 1e-15;    // stop when f_k - f_k+1 <= this·max(1, |f_k+1|)
};

struct LbfgsResult {
  std::vector<double> x;
  double value = 0;
  int iterations = 0, evaluations = 0;
  std::string stop_reason;  // "gradient", "change", "line search", "iterations"
};

// f(x, grad) returns f(x) and writes its gradient (already sized) into grad.
using Objective = std::function<double(const std::vector<double>& x, std::vector<double>& grad)>;

LbfgsResult minimize_lbfgs(const Objective& f, std::vector<double> x0,
                           const LbfgsOptions& options = {});

}  // namespace tb
