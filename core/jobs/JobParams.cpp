#include "jobs/JobParams.h"

namespace jobs {

namespace {

template<class... F>
struct Overloaded : F... {
    using F::operator()...;
};

} // namespace

JobKind kindOf(const JobParams &params) {
    return std::visit(Overloaded{[](const InitialParams &) { return JobKind::Initial; },
                                 [](const IncrementalParams &) { return JobKind::Incremental; },
                                 [](const HistoricalParams &) { return JobKind::Historical; },
                                 [](const PushParams &) { return JobKind::Push; }},
                      params);
}

QJsonObject paramsToJson(const JobParams &params) {
    return std::visit([](const auto &p) { return p.toJson(); }, params);
}

std::optional<JobParams> paramsFromJson(JobKind kind, const QJsonObject &json, QString *error) {
    const auto wrap = [](const auto &parsed) -> std::optional<JobParams> {
        if (!parsed)
            return std::nullopt;
        return JobParams(*parsed);
    };
    switch (kind) {
    case JobKind::Initial:
        return wrap(InitialParams::fromJson(json, error));
    case JobKind::Incremental:
        return wrap(IncrementalParams::fromJson(json, error));
    case JobKind::Historical:
        return wrap(HistoricalParams::fromJson(json, error));
    case JobKind::Push:
        return wrap(PushParams::fromJson(json, error));
    }
    return std::nullopt;
}

JobParams defaultParams(JobKind kind) {
    switch (kind) {
    case JobKind::Initial:
        return InitialParams{};
    case JobKind::Incremental:
        return IncrementalParams{};
    case JobKind::Historical:
        return HistoricalParams{};
    case JobKind::Push:
        return PushParams{};
    }
    return IncrementalParams{};
}

bool retryFailed(const JobParams &params) {
    return std::visit([](const auto &p) { return p.retryFailed; }, params);
}

void setRetryFailed(JobParams &params, bool retry) {
    std::visit([retry](auto &p) { p.retryFailed = retry; }, params);
}

} // namespace jobs
