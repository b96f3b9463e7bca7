#pragma once

#include <glib-object.h>

#include <memory>

namespace gmail {

// Owns one GObject reference (GMime objects are GObjects): g_object_unref on destruction.
struct GObjectUnref {
    void operator()(gpointer object) const {
        if (object)
            g_object_unref(object);
    }
};
template<typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

} // namespace gmail
