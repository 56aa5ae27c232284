// Resource URIs of AMT, IPS and CIM classes.
#include "amtcfg/wsman/schema.hpp"

namespace amtcfg::wsman {

std::string class_uri(std::string_view class_name) {
    std::string_view base = ns::cim_schema;
    if (class_name.starts_with("AMT_")) {
        base = ns::amt_schema;
    } else if (class_name.starts_with("IPS_")) {
        base = ns::ips_schema;
    }
    return std::string(base) + std::string(class_name);
}

std::string_view class_name_of(std::string_view resource_uri) {
    auto slash = resource_uri.rfind('/');
    return slash == std::string_view::npos ? resource_uri : resource_uri.substr(slash + 1);
}

} // namespace amtcfg::wsman
