#include "JobFailureModel.h"

#include "DbExecutor.h"
#include "db/Database.h"
#include "db/MessageFailureRepository.h"

#include <QLocale>

namespace ui {

namespace {

struct LoadResult {
    std::optional<QList<db::MessageFailure>> failures;
    QString error;
};

bool sameFailure(const db::MessageFailure &a, const db::MessageFailure &b) {
    return a.gmailMessageId == b.gmailMessageId && a.kind == b.kind && a.attempts == b.attempts &&
           a.permanent == b.permanent && a.lastError == b.lastError && a.lastSeenAt == b.lastSeenAt;
}

} // namespace

JobFailureModel::JobFailureModel(DbExecutor *executor, QObject *parent)
    : QAbstractTableModel(parent)
    , m_executor(executor) {}

int JobFailureModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_failures.size());
}

int JobFailureModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

const db::MessageFailure *JobFailureModel::failure(int row) const {
    return row >= 0 && row < m_failures.size() ? &m_failures.at(row) : nullptr;
}

QString JobFailureModel::kindText(db::MessageFailure::Kind kind) {
    switch (kind) {
    case db::MessageFailure::Kind::Fetch:
        return tr("Fetch");
    case db::MessageFailure::Kind::TooLarge:
        return tr("Too large");
    case db::MessageFailure::Kind::Parse:
        return tr("Parse");
    case db::MessageFailure::Kind::Crash:
        return tr("Worker crash");
    }
    return {};
}

QVariant JobFailureModel::data(const QModelIndex &index, int role) const {
    const db::MessageFailure *f = failure(index.row());
    if (!f || index.column() < 0 || index.column() >= ColumnCount)
        return {};
    switch (role) {
    case Qt::ToolTipRole:
        if (index.column() == LastError)
            return f->lastError;
        if (index.column() == Permanent && f->permanent)
            return tr("Not retried automatically any more; use Retry failed items");
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == Attempts ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::DisplayRole:
        switch (index.column()) {
        case MessageId:
            return f->gmailMessageId;
        case Kind:
            return kindText(f->kind);
        case Attempts:
            return f->attempts;
        case Permanent:
            return f->permanent ? tr("yes") : tr("no");
        case LastSeen:
            return QLocale().toString(f->lastSeenAt.toLocalTime(), QLocale::ShortFormat);
        case LastError:
            return f->lastError;
        }
        return {};
    default:
        return {};
    }
}

QVariant JobFailureModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case MessageId:
        return tr("Message id");
    case Kind:
        return tr("Failure");
    case Attempts:
        return tr("Attempts");
    case Permanent:
        return tr("Permanent");
    case LastSeen:
        return tr("Last failed");
    case LastError:
        return tr("Last error");
    }
    return {};
}

void JobFailureModel::load(qint64 jobId) {
    const int generation = ++m_generation; // a slower answer for an earlier job is dropped
    if (jobId <= 0) {
        setFailures(0, {});
        return;
    }
    m_executor->run(
        this,
        [jobId] {
            db::MessageFailureRepository failures(db::Database::connection());
            LoadResult r;
            r.failures = failures.listForJob(jobId, kLimit);
            r.error = failures.errorString();
            return r;
        },
        [this, generation, jobId](LoadResult r) {
            if (generation != m_generation)
                return;
            if (!r.failures) {
                Q_EMIT loadFailed(r.error);
                return;
            }
            setFailures(jobId, *r.failures);
        });
}

void JobFailureModel::setFailures(qint64 jobId, QList<db::MessageFailure> failures) {
    // The periodic reload usually finds the same rows: leave the view (selection, scroll) alone then.
    bool same = jobId == m_jobId && failures.size() == m_failures.size();
    for (int i = 0; same && i < failures.size(); ++i)
        same = sameFailure(failures.at(i), m_failures.at(i));
    if (!same) {
        beginResetModel();
        m_jobId = jobId;
        m_failures = std::move(failures);
        endResetModel();
    }
    Q_EMIT loaded();
}

} // namespace ui
