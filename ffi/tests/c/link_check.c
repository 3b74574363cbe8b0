/* The smallest C program against playfield.h: proves the header compiles as C11 and the
 * shared library links and loads. Prints the SDK version. */
#include <stdio.h>
#include "playfield.h"

int main(void) {
    printf("%s\n", playfield_sdk_version());
    return 0;
}
