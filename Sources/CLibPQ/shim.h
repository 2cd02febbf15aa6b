// libpq's header lives in /usr/include/postgresql (pkg-config libpq adds it to the search path).
#include <libpq-fe.h>
