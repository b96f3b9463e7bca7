#pragma once

#include "jobs/HistoricalCheckpoint.h"
#include "jobs/HistoricalParams.h"
#include "sync/JobContext.h"

#include <QDate>

namespace syncengine {

// A past range (jobs::HistoricalParams: UTC days, both inclusive), split into calendar months; each month
// is listed with after:/before: epoch seconds (plus a margin) and filtered by internalDate exactly. The
// checkpoint (jobs::HistoricalCheckpoint) is written after every page: a resumed job continues in the
// month and page where it stopped. Does not move the tenant's history id.
class HistoricalSync final {
public:
    struct Month {
        QString name;    // "2024-02"
        QDateTime start; // inclusive, UTC
        QDateTime end;   // exclusive, UTC
    };
    static QList<Month> months(const QDate &from, const QDate &to);
    static StepOutcome run(JobContext &ctx, const jobs::HistoricalParams &params);

private:
    static StepOutcome syncMonth(JobContext &ctx, const QList<Month> &all, qsizetype i,
                                 jobs::HistoricalCheckpoint &cp);
};

} // namespace syncengine
