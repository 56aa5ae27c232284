// amtcfg's entry point: builds the real platform and hands over to the command line.
#include "amtcfg/cli/app.hpp"

int main(int argc, char** argv) {
    amtcfg::cli::Platform platform;
    return amtcfg::cli::run(argc, argv, platform);
}
