#include "gmail/GMimeRuntime.h"

#include <gmime/gmime.h>

#include <mutex>

namespace gmail {

void GMimeRuntime::ensure() {
    static std::once_flag once;
    // Never shut down: worker threads may still parse during static destruction.
    std::call_once(once, [] { g_mime_init(); });
}

} // namespace gmail
