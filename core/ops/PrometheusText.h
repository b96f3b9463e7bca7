#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <utility>

namespace ops {

// Writes the Prometheus text exposition format (version 0.0.4): a `# HELP` and `# TYPE` line per metric
// family, then its samples with escaped label values. Written here rather than taken from a client library:
// Debian 12 packages no C++ Prometheus client, and the format is a few lines of text.
class PrometheusText final {
public:
    using Labels = QList<std::pair<QString, QString>>;

    // Starts a family; `type` is counter, gauge or untyped. Names match [a-zA-Z_:][a-zA-Z0-9_:]*.
    void family(const QString &name, const char *type, const QString &help);
    // A sample of the current family (a counter's family name ends in _total, as the 0.0.4 format wants).
    void sample(const Labels &labels, double value);

    QByteArray text() const { return m_text; }
    static QString escapeLabelValue(const QString &value); // \\ → \\\\, " → \\", newline → \\n

private:
    QByteArray m_text;
    QString m_family;
};

} // namespace ops
