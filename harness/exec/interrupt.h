// Ctrl-C (SIGINT) and SIGTERM during a sweep: instead of dying on the spot and leaving a
// run marked "running", the coordinator notes the request, records the run that was
// interrupted, starts nothing new and exits; the same `run` command resumes.
#pragma once

namespace tb {

// Installs the handlers for the lifetime of the guard (previous handlers restored after).
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
};

bool interrupt_requested();

}  // namespace tb
