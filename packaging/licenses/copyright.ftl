<#--
  The Debian package's /usr/share/doc/pi-stream/copyright (DEP-5), rendered by license-maven-plugin's
  add-third-party goal (pom.xml, execution "copyright") from the build's dependency list: one Files
  paragraph per jar the WAR bundles, its licence as the jar's own POM declares it, normalised to a
  Debian short name by the plugin's licenseMerges. The build fails before this runs when a bundled
  jar declares no licence or one outside the known list (pom.xml property licence.known); every
  known licence has a stand-alone paragraph at the end.

  dependencyMap: entries of (MavenProject, licence names). Several licences on one jar are the
  alternatives of a dual licence (Jetty, Jakarta, Logback), written "A or B".
-->
<#function indent text>
  <#assign out = ""/>
  <#list text?trim?split("\n") as line>
    <#if line?trim?length == 0>
      <#assign out = out + " .\n"/>
    <#else>
      <#assign out = out + " " + line?replace("\\s+$", "", "r") + "\n"/>
    </#if>
  </#list>
  <#return out>
</#function>
<#function holder p>
  <#if p.organization?? && p.organization.name??>
    <#return p.organization.name>
  </#if>
  <#if p.name?? && p.name?index_of('Unnamed') == -1>
    <#return "the authors of " + p.name>
  </#if>
  <#return "the authors of " + p.artifactId>
</#function>
<#assign mit><#include "MIT.txt" parse=false></#assign>
<#assign epl2><#include "EPL-2.0.txt" parse=false></#assign>
<#assign bsd3><#include "BSD-3-Clause.txt" parse=false></#assign>
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: pi-stream
Comment: pi-stream is one file, /usr/share/pi-stream/pi-stream.war. The jars it
 bundles are listed below by their path inside the WAR: WEB-INF/lib holds the
 web application's libraries, WEB-INF/launcher the embedded Jetty server and
 the other libraries of the java -jar launcher. This file is generated from the
 build's dependency list; each jar's licence is the one its Maven POM declares.

Files: *
Copyright: 2026 pi-stream contributors
License: MIT
<#list dependencyMap as e>
<#assign p = e.getKey()/>
<#assign dir = (p.artifact.scope == "provided")?then("WEB-INF/launcher", "WEB-INF/lib")/>

Files: ${dir}/${p.artifactId}-${p.version}.jar
Copyright: ${holder(p)}
License: ${e.getValue()?join(" or ")}
Comment: ${p.groupId}:${p.artifactId}:${p.version}<#if p.url??> ${p.url}</#if>
</#list>

License: MIT
${indent(mit)}
License: Apache-2.0
 On Debian systems, the full text of the Apache License, Version 2.0 can be
 found in the file /usr/share/common-licenses/Apache-2.0.

License: EPL-2.0
${indent(epl2)}
License: LGPL-2.1
 On Debian systems, the full text of the GNU Lesser General Public License,
 version 2.1 can be found in the file /usr/share/common-licenses/LGPL-2.1.

License: GPL-2 with Classpath exception
 On Debian systems, the full text of the GNU General Public License, version 2
 can be found in the file /usr/share/common-licenses/GPL-2.
 .
 Linking this library statically or dynamically with other modules is making a
 combined work based on this library. Thus, the terms and conditions of the GNU
 General Public License cover the whole combination.
 .
 As a special exception, the copyright holders of this library give you
 permission to link this library with independent modules to produce an
 executable, regardless of the license terms of these independent modules, and
 to copy and distribute the resulting executable under terms of your choice,
 provided that you also meet, for each linked independent module, the terms and
 conditions of the license of that module. An independent module is a module
 which is not derived from or based on this library. If you modify this
 library, you may extend this exception to your version of the library, but you
 are not obligated to do so. If you do not wish to do so, delete this exception
 statement from your version.

License: BSD-3-Clause
${indent(bsd3)}
