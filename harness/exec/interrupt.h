// Ctrl-C and SIGTERM.
// In the coordinator (InterruptGuard): the first Ctrl-C stops scheduling and lets the
// running runs finish; a second Ctrl-C, or SIGTERM, stops them: each worker gets SIGTERM,
// checkpoints at its next step and exits, and is killed if it has not after a grace
// period. Either way every run is recorded and the same `run` command resumes.
// In a worker (StopGuard): SIGTERM or SIGINT asks training to stop at the next step.
#pragma once

namespace tb {

// Installs the coordinator's handlers for the lifetime of the guard (previous handlers
// restored after).
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
};

// 0: carry on; 1: start nothing new (one Ctrl-C); 2: stop the running runs too.
int interrupt_level();
bool interrupt_requested();  // interrupt_level() > 0

// Installs the worker's handlers for the lifetime of the guard.
class StopGuard {
 public:
  StopGuard();
  ~StopGuard();
  StopGuard(const StopGuard&) = delete;
  StopGuard& operator=(const StopGuard&) = delete;
};

bool stop_requested();

}  // namespace tb
