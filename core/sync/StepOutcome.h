#pragma once

#include <QString>

namespace syncengine {

// How a sync step (or a whole kind) ended.
struct StepOutcome {
    enum class Status {
        Ok,      // done; go on
        Failed,  // error: the job is retried with backoff (or fails when permanent / out of retries)
        Stopped, // graceful stop requested: everything committed so far stays, the job is given back
        Lost,    // the job or tenant lease is no longer ours (cancelled, taken over): stop writing
    };
    Status status = Status::Ok;
    QString error;  // one line for error_message
    QString detail; // more context for error_detail
    bool permanent = false;

    bool ok() const { return status == Status::Ok; }
    static StepOutcome success() { return {}; }
    static StepOutcome failed(const QString &error, bool permanent = false, const QString &detail = {}) {
        return {Status::Failed, error, detail, permanent};
    }
    static StepOutcome stopped() { return {Status::Stopped, {}, {}, false}; }
    static StepOutcome lost(const QString &why) { return {Status::Lost, why, {}, false}; }
};

} // namespace syncengine
