"""WS-Man envelopes the stand-in sends, and reading the answers (wsman.md sections 3, 4, 6)."""

import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

NS_ENVELOPE = "http://www.w3.org/2003/05/soap-envelope"
NS_ADDRESSING = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
NS_WSMAN = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
ANONYMOUS = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
TRANSFER = "http://schemas.xmlsoap.org/ws/2004/09/transfer"

AMT = "http://intel.com/wbem/wscim/1/amt-schema/1/"
IPS = "http://intel.com/wbem/wscim/1/ips-schema/1/"
CIM = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/"

CLASS_URI = {
    "AMT_GeneralSettings": AMT, "AMT_SetupAndConfigurationService": AMT,
    "AMT_AuthorizationService": AMT, "AMT_TimeSynchronizationService": AMT,
    "AMT_RedirectionService": AMT, "IPS_HostBasedSetupService": IPS,
    "IPS_OptInService": IPS, "CIM_KVMRedirectionSAP": CIM,
}


def resource_uri(cls):
    return CLASS_URI[cls] + cls


class Call:
    """One WS-Man request: its Action URI and its envelope text."""

    def __init__(self, action, envelope):
        self.action = action
        self.envelope = envelope


class Envelopes:
    """Builds envelopes with a per-connection MessageID counter (as Open AMT does)."""

    def __init__(self):
        self._message_id = 0

    def _envelope(self, action, cls, body, selectors=None):
        self._message_id += 1
        selector_xml = ""
        if selectors:
            selector_xml = "<w:SelectorSet>" + "".join(
                f'<w:Selector Name="{escape(k)}">{escape(v)}</w:Selector>'
                for k, v in selectors.items()) + "</w:SelectorSet>"
        text = (
            f'<?xml version="1.0" encoding="utf-8"?>'
            f'<Envelope xmlns="{NS_ENVELOPE}" xmlns:a="{NS_ADDRESSING}" xmlns:w="{NS_WSMAN}" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
            f"<Header><a:Action>{action}</a:Action><a:To>/wsman</a:To>"
            f"<w:ResourceURI>{resource_uri(cls)}</w:ResourceURI>"
            f"<a:MessageID>{self._message_id}</a:MessageID>"
            f"<a:ReplyTo><a:Address>{ANONYMOUS}</a:Address></a:ReplyTo>"
            f"<w:OperationTimeout>PT60S</w:OperationTimeout>{selector_xml}</Header>"
            f"<Body>{body}</Body></Envelope>")
        return Call(action, text)

    def get(self, cls, selectors=None):
        return self._envelope(f"{TRANSFER}/Get", cls, "", selectors)

    def put(self, cls, properties, selectors=None):
        """properties: list of (name, value or list of values), in the order given."""
        inner = ""
        for name, value in properties:
            for item in value if isinstance(value, list) else [value]:
                inner += f"<h:{name}>{escape(str(item))}</h:{name}>"
        body = f'<h:{cls} xmlns:h="{resource_uri(cls)}">{inner}</h:{cls}>'
        return self._envelope(f"{TRANSFER}/Put", cls, body, selectors)

    def method(self, cls, name, arguments=(), selectors=None):
        """arguments: list of (name, value); a value that is a bool is written true/false."""
        inner = ""
        for arg, value in arguments:
            if isinstance(value, bool):
                value = "true" if value else "false"
            inner += f"<h:{arg}>{escape(str(value))}</h:{arg}>"
        uri = resource_uri(cls)
        body = f'<h:{name}_INPUT xmlns:h="{uri}">{inner}</h:{name}_INPUT>'
        return self._envelope(f"{uri}/{name}", cls, body, selectors)


def _local(tag):
    return tag.rsplit("}", 1)[-1]


class Answer:
    """A parsed 200 answer: the Body's first child and its properties by local name."""

    def __init__(self, xml_bytes):
        root = ET.fromstring(xml_bytes)
        body = next((c for c in root if _local(c.tag) == "Body"), None)
        if body is None or len(body) == 0:
            raise ValueError("SOAP answer without a Body element")
        self.element = body[0]
        self.name = _local(self.element.tag)
        header = next((c for c in root if _local(c.tag) == "Header"), None)
        self.action = ""
        if header is not None:
            action = next((c for c in header if _local(c.tag) == "Action"), None)
            self.action = (action.text or "") if action is not None else ""

    def properties(self):
        """[(name, text)] of the first child's children, in document order."""
        return [(_local(c.tag), c.text or "") for c in self.element]

    def value(self, name):
        for key, text in self.properties():
            if key == name:
                return text
        return None

    def return_value(self):
        text = self.value("ReturnValue")
        return int(text) if text is not None and text.strip().isdigit() else None


def fault_text(xml_bytes):
    """The subcode and reason of a SOAP fault, for error messages."""
    try:
        root = ET.fromstring(xml_bytes)
    except ET.ParseError:
        return "unparsable fault"
    values = [e.text or "" for e in root.iter() if _local(e.tag) in ("Value", "Text")]
    return " ".join(v for v in values if v)
