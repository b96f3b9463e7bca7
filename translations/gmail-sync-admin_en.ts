<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ui::JobTableModel</name>
    <message numerus="yes">
        <source>%n message(s) could not be stored; the job details list them</source>
        <translation><numerusform>%n message could not be stored; the job details list it</numerusform><numerusform>%n messages could not be stored; the job details list them</numerusform></translation>
    </message>
</context>
<context>
    <name>ui::JobsPage</name>
    <message numerus="yes">
        <source>%n message(s) this job could not store (still failing):</source>
        <translation><numerusform>%n message this job could not store (still failing):</numerusform><numerusform>%n messages this job could not store (still failing):</numerusform></translation>
    </message>
</context>
<context>
    <name>ui::MainWindow</name>
    <message numerus="yes">
        <source>%n sync(s) running</source>
        <translation><numerusform>%n sync running</numerusform><numerusform>%n syncs running</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n sync(s) running · %1</source>
        <translation><numerusform>%n sync running · %1</numerusform><numerusform>%n syncs running · %1</numerusform></translation>
    </message>
</context>
<context>
    <name>ui::TenantTableModel</name>
    <message numerus="yes">
        <source>%n s</source>
        <translation><numerusform>%n s</numerusform><numerusform>%n s</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation><numerusform>%n min</numerusform><numerusform>%n min</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n h</source>
        <translation><numerusform>%n h</numerusform><numerusform>%n h</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n d</source>
        <translation><numerusform>%n day</numerusform><numerusform>%n days</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Queued (%n job(s))</source>
        <translation><numerusform>Queued (%n job)</numerusform><numerusform>Queued (%n jobs)</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) could not be stored; the next sync retries them first.</source>
        <translation><numerusform>%n message could not be stored; the next sync retries it first.</numerusform><numerusform>%n messages could not be stored; the next sync retries them first.</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) could not be stored.</source>
        <translation><numerusform>%n message could not be stored.</numerusform><numerusform>%n messages could not be stored.</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n of them failed too often and are retried only by Retry failed items.</source>
        <translation><numerusform>%n of them failed too often and is retried only by Retry failed items.</numerusform><numerusform>%n of them failed too often and are retried only by Retry failed items.</numerusform></translation>
    </message>
</context>
<context>
    <name>ui::ThreadBrowser</name>
    <message numerus="yes">
        <source>%n thread(s) loaded, more on scrolling</source>
        <translation><numerusform>%n thread loaded, more on scrolling</numerusform><numerusform>%n threads loaded, more on scrolling</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n thread(s)</source>
        <translation><numerusform>%n thread</numerusform><numerusform>%n threads</numerusform></translation>
    </message>
</context>
<context>
    <name>ui::ThreadView</name>
    <message numerus="yes">
        <source>Remote content (%n item(s)) was blocked.</source>
        <translation><numerusform>Remote content (%n item) was blocked.</numerusform><numerusform>Remote content (%n items) was blocked.</numerusform></translation>
    </message>
</context>
</TS>
