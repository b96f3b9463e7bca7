#include "ProgressFeed.h"

namespace ui {

ProgressFeed::ProgressFeed(QObject *parent)
    : QObject(parent)
    , m_listener(new syncengine::ProgressListener) {
    m_thread.setObjectName(QStringLiteral("gsa-ui-listen"));
    m_listener->moveToThread(&m_thread);
    connect(m_listener, &syncengine::ProgressListener::progress, this, &ProgressFeed::progress);
    connect(m_listener, &syncengine::ProgressListener::listening, this, &ProgressFeed::listening);
    connect(m_listener, &syncengine::ProgressListener::failed, this, &ProgressFeed::failed);
    m_thread.start();
}

ProgressFeed::~ProgressFeed() {
    QMetaObject::invokeMethod(m_listener, &syncengine::ProgressListener::stop, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_listener;
}

void ProgressFeed::start() {
    QMetaObject::invokeMethod(m_listener, &syncengine::ProgressListener::start, Qt::QueuedConnection);
}

} // namespace ui
