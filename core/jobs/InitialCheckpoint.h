#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace jobs {

// Where a window (re)sync stands: the listing's page, then the sweep of rows Gmail no longer lists. Also
// the checkpoint of an incremental or push job that fell back to a resync (Gmail forgot its history id).
// JSON {"mode": "initial"|"resync", "historyId": "123", "after": <epoch s>, "pageToken": "",
// "listed": false, "seenInDb": true, "swept": false}.
struct InitialCheckpoint {
    enum class Mode { Initial, Resync };

    Mode mode = Mode::Initial;
    qint64 historyId = 0; // the profile's history id before listing: incremental syncs go on from it
    qint64 after = 0;     // the window's start, seconds since the epoch
    QString pageToken;    // of the next messages.list page; empty: the first
    bool listed = false;  // every page listed and stored
    bool seenInDb = true; // the listed ids are in sync_job_seen_ids (false: written before migration 0006)
    bool swept = false;   // rows of the window Gmail did not list are deleted

    QJsonObject toJson() const;
    static std::optional<InitialCheckpoint> fromJson(const QJsonObject &json, QString *error);
    // True when `json` is a window checkpoint of `mode` (possibly broken: fromJson says).
    static bool hasMode(const QJsonObject &json, Mode mode);
    static bool isWindowCheckpoint(const QJsonObject &json);
    static QString modeName(Mode mode);
};

} // namespace jobs
