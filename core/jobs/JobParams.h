#pragma once

#include "jobs/HistoricalParams.h"
#include "jobs/IncrementalParams.h"
#include "jobs/InitialParams.h"
#include "jobs/JobKind.h"
#include "jobs/PushParams.h"

#include <variant>

namespace jobs {

// A job's parameters, one type per kind: what the GUI, the CLI, push and the HTTP API queue and what
// the engine reads. The kind follows from the type, so a kind and its parameters cannot disagree.
using JobParams = std::variant<InitialParams, IncrementalParams, HistoricalParams, PushParams>;

JobKind kindOf(const JobParams &params);
QJsonObject paramsToJson(const JobParams &params);
// The stored parameters of a job of `kind`; a missing, mistyped or unknown field is an error.
std::optional<JobParams> paramsFromJson(JobKind kind, const QJsonObject &json, QString *error);

// The parameters a kind has when nobody says otherwise (a historical range has no default: invalid dates).
JobParams defaultParams(JobKind kind);

bool retryFailed(const JobParams &params);
void setRetryFailed(JobParams &params, bool retry);

} // namespace jobs
