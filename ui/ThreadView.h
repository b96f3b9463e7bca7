#pragma once

#include "db/ThreadRepository.h"

#include <QSet>
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
    // "Show remote images" for the index-th message of the thread shown (an explicit operator action: the
    // link under a message whose remote images were blocked). Off for every message of a newly shown thread.
    void showRemoteImages(int index);
    bool remoteImagesShown(int index) const { return m_remoteAllowed.contains(index); }

    // The document as built (sanitized); for tests. `remoteAllowed`: indexes of the messages whose remote
    // images are kept; `remoteImageUrls` receives their (canonical) URLs.
    static QString renderHtml(const QList<db::ThreadMessage> &messages, int *blockedRemote = nullptr,
                              const QSet<int> &remoteAllowed = {}, QStringList *remoteImageUrls = nullptr);

private:
    // One message's parts of the document: the header table, the "remote content blocked" line (with its
    // "Show remote images" action), the attachment list.
    static QString headerTable(const db::ThreadMessage &m);
    static QString blockedNotice(int blockedRemote, int blockedRemoteImages, int index);
    static QString attachmentList(const db::ThreadMessage &m);
    void render();
    void onAction(const QUrl &url);

    QLabel *m_subject;
    SafeTextBrowser *m_browser;
    QList<db::ThreadMessage> m_messages;
    QSet<int> m_remoteAllowed;
};

} // namespace ui
