#pragma once

#include "db/ThreadRepository.h"

#include <QWidget>

class QLabel;

namespace ui {

class SafeTextBrowser;

// One thread: its subject, then each message with its headers, its body (sanitized HTML or plain text)
// and its attachments.
class ThreadView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ThreadView)
public:
    explicit ThreadView(QWidget *parent = nullptr);

    void showThread(const QString &subject, const QList<db::ThreadMessage> &messages);
    void showMessage(const QString &text); // placeholder / error
    void clear();

    SafeTextBrowser *browser() const { return m_browser; }
    // The document as built (sanitized); for tests.
    static QString renderHtml(const QList<db::ThreadMessage> &messages, int *blockedRemote = nullptr);

private:
    QLabel *m_subject;
    SafeTextBrowser *m_browser;
};

} // namespace ui
