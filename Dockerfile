# Build: mvn -B -DskipTests package && docker build -t cup:latest .
FROM eclipse-temurin:17-jre
RUN useradd --uid 10001 --create-home cup
COPY target/cup.jar /opt/cup/cup.jar
COPY verticles /opt/cup/verticles
WORKDIR /opt/cup
USER 10001
EXPOSE 8181
ENTRYPOINT ["java", "-jar", "/opt/cup/cup.jar"]
CMD ["serve"]
