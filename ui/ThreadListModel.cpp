#include "ThreadListModel.h"

#include "DbExecutor.h"
#include "db/Database.h"

#include <QLocale>

namespace ui {

namespace {

struct PageResult {
    std::optional<db::ThreadPage> page;
    QString error;
};

} // namespace

ThreadListModel::ThreadListModel(DbExecutor *executor, QObject *parent)
    : QAbstractTableModel(parent)
    , m_executor(executor) {}

int ThreadListModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_threads.size());
}

int ThreadListModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

const db::ThreadSummary *ThreadListModel::thread(int row) const {
    return row >= 0 && row < m_threads.size() ? &m_threads.at(row) : nullptr;
}

QVariant ThreadListModel::data(const QModelIndex &index, int role) const {
    const db::ThreadSummary *t = thread(index.row());
    if (!t)
        return {};
    switch (role) {
    case TenantIdRole:
        return t->tenantId;
    case ThreadIdRole:
        return t->threadId;
    case Qt::ToolTipRole:
        return index.column() == Subject ? t->snippet : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() == Messages ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::DisplayRole:
        switch (index.column()) {
        case Subject:
            return t->subject.isEmpty() ? tr("(no subject)") : t->subject;
        case Participants:
            return t->participants.join(QStringLiteral(", "));
        case LastDate:
            return QLocale().toString(t->lastDate.toLocalTime(), QLocale::ShortFormat);
        case Messages:
            return t->messageCount;
        case Labels:
            return t->labels.join(QStringLiteral(", "));
        }
        return {};
    default:
        return {};
    }
}

QVariant ThreadListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Subject:
        return tr("Subject");
    case Participants:
        return tr("Participants");
    case LastDate:
        return tr("Last message");
    case Messages:
        return tr("Messages");
    case Labels:
        return tr("Labels");
    }
    return {};
}

bool ThreadListModel::canFetchMore(const QModelIndex &parent) const {
    return !parent.isValid() && !m_atEnd && !m_loading;
}

void ThreadListModel::fetchMore(const QModelIndex &parent) {
    if (!canFetchMore(parent))
        return;
    m_loading = true;
    const db::ThreadQuery query = m_query;
    const std::optional<db::ThreadCursor> after = m_next;
    const int pageSize = m_pageSize;
    const int generation = m_generation;
    m_executor->run(
        this,
        [query, after, pageSize] {
            db::ThreadRepository repository(db::Database::connection());
            PageResult r;
            r.page = repository.page(query, after, pageSize);
            r.error = repository.errorString();
            return r;
        },
        [this, generation](PageResult r) {
            if (generation != m_generation)
                return; // an older query's page
            m_loading = false;
            if (!r.page) {
                m_atEnd = true;
                Q_EMIT loadFailed(r.error);
                return;
            }
            m_next = r.page->next;
            m_atEnd = !m_next.has_value();
            if (!r.page->threads.isEmpty()) {
                beginInsertRows({}, int(m_threads.size()),
                                int(m_threads.size() + r.page->threads.size() - 1));
                m_threads.append(r.page->threads);
                endInsertRows();
            }
            Q_EMIT pageLoaded(int(r.page->threads.size()));
        });
}

void ThreadListModel::setQuery(const db::ThreadQuery &query) {
    ++m_generation;
    beginResetModel();
    m_query = query;
    m_threads.clear();
    m_next.reset();
    m_atEnd = false;
    m_loading = false;
    endResetModel();
    fetchMore({});
}

} // namespace ui
