#include "ops/PrometheusText.h"

#include <cmath>

namespace ops {

QString PrometheusText::escapeLabelValue(const QString &value) {
    QString out;
    out.reserve(value.size());
    for (const QChar c : value) {
        if (c == QLatin1Char('\\'))
            out += QStringLiteral("\\\\");
        else if (c == QLatin1Char('"'))
            out += QStringLiteral("\\\"");
        else if (c == QLatin1Char('\n'))
            out += QStringLiteral("\\n");
        else
            out += c;
    }
    return out;
}

void PrometheusText::family(const QString &name, const char *type, const QString &help) {
    m_family = name;
    QString escapedHelp = help;
    escapedHelp.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    m_text += "# HELP " + name.toUtf8() + ' ' + escapedHelp.toUtf8() + '\n';
    m_text += "# TYPE " + name.toUtf8() + ' ' + type + '\n';
}

void PrometheusText::sample(const Labels &labels, double value) {
    m_text += m_family.toUtf8();
    if (!labels.isEmpty()) {
        m_text += '{';
        for (qsizetype i = 0; i < labels.size(); ++i) {
            if (i > 0)
                m_text += ',';
            m_text +=
                labels.at(i).first.toUtf8() + "=\"" + escapeLabelValue(labels.at(i).second).toUtf8() + '"';
        }
        m_text += '}';
    }
    m_text += ' ';
    if (std::isnan(value))
        m_text += "NaN";
    else if (value == double(qint64(value)))
        m_text += QByteArray::number(qint64(value));
    else
        m_text += QByteArray::number(value, 'g', 17);
    m_text += '\n';
}

} // namespace ops
