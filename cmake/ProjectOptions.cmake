# Shared strictness for our own targets, on one INTERFACE target rather than global flags
# (as qBittorrent's CommonConfig.cmake does). Link `gsa_options` PRIVATE into every target of ours.
add_library(gsa_options INTERFACE)
target_compile_features(gsa_options INTERFACE cxx_std_20)
target_compile_definitions(gsa_options INTERFACE
  QT_NO_KEYWORDS              # GLib (via GMime) uses `signals` as an identifier
  QT_NO_CONTEXTLESS_CONNECT
  QT_NO_URL_CAST_FROM_STRING
  QT_USE_QSTRINGBUILDER
  QT_NO_FOREACH)
target_compile_options(gsa_options INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)

option(GSA_WARNINGS_AS_ERRORS "Treat warnings in our code as errors" OFF)
if(GSA_WARNINGS_AS_ERRORS)
  target_compile_options(gsa_options INTERFACE -Werror)
endif()

option(GSA_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(GSA_SANITIZE)
  target_compile_options(gsa_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                               -fno-sanitize-recover=undefined)
  target_link_options(gsa_options INTERFACE -fsanitize=address,undefined)
endif()

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()
