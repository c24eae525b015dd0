// A plain fork-join loop for CPU-bound work split into independent indices (fit starts,
// bootstrap resamples).
#pragma once
#include <cstdint>
#include <thread>
#include <vector>

namespace tb {

// Runs body(i) for i in [0, n) on `threads` threads, each taking every threads-th index.
template <typename Body>
void parallel_for(int64_t n, int threads, const Body& body) {
  if (threads <= 1 || n < 2) {
    for (int64_t i = 0; i < n; ++i) body(i);
    return;
  }
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int64_t i = t; i < n; i += threads) body(i);
    });
  }
  for (auto& th : pool) th.join();
}

}  // namespace tb
