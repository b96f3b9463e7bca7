#pragma once

#include "sync/ProgressListener.h"

#include <QObject>
#include <QThread>

namespace ui {

// Runs a syncengine::ProgressListener on a thread of its own (so its LISTEN connection never waits on the GUI
// or on the loader thread) and hands its events to the GUI thread.
class ProgressFeed final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProgressFeed)
public:
    explicit ProgressFeed(QObject *parent = nullptr);
    ~ProgressFeed() override;

    void start();

Q_SIGNALS:
    void progress(const syncengine::ProgressUpdate &event);
    void listening();
    void failed(const QString &error);

private:
    QThread m_thread;
    syncengine::ProgressListener *m_listener;
};

} // namespace ui
